// Process-wide thread count: one level of parallelism at a time.

import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The thread budget of our parallel loops and GEMMs.
///
/// Visage never nests parallelism, and all of it is ours: OpenBLAS always runs on one thread,
/// large GEMMs are split over ``count`` threads by `BLAS.gemm`, and kernels split their own
/// work with ``Parallel``; inside a parallel region every GEMM runs on its caller's thread. (OpenBLAS's own threads spin between calls: beside our workers,
/// or beside another busy process, they made two-thread inference up to ten times slower than
/// one thread.) `VISAGE_THREADS` (or `--threads`) sets the count; the default is the number of
/// online processors.
public enum Threads {
  nonisolated(unsafe) private static var current = 0

  /// Threads in use (resolved from `VISAGE_THREADS` or the core count on first use).
  public static var count: Int {
    if current == 0 { configure(nil) }
    return current
  }

  /// Sets the thread count; nil reads `VISAGE_THREADS`, then the processor count.
  public static func configure(_ n: Int?) {
    var value = n ?? 0
    if value <= 0, let env = getenv("VISAGE_THREADS"), let v = Int(String(cString: env)), v > 0 {
      value = v
    }
    if value <= 0 { value = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
    current = max(1, value)
    BLAS.setThreads(1)
  }
}

/// Splits a loop over the thread budget (`Threads.count`), never nested.
///
/// Work started inside a parallel region (a nested loop, a GEMM) stays on its thread, so one
/// level of parallelism holds. Small loops stay on the calling thread: a hand-off costs a few
/// microseconds.
public enum Parallel {
  /// Runs `body` over contiguous chunks that cover `0..<count`.
  ///
  /// The chunks run on up to `Threads.count` threads when `count × costPerItem` reaches
  /// `minimumWork` (about one element-operation per unit), and on the calling thread otherwise.
  /// Chunks must write disjoint memory.
  public static func chunks(
    _ count: Int, costPerItem: Int = 1, minimumWork: Int = 1 << 16,
    _ body: (Range<Int>) -> Void
  ) {
    let threads = min(Threads.count, count)
    if threads <= 1 || count * costPerItem < minimumWork || isActive {
      body(0..<count)
      return
    }
    withoutActuallyEscaping(body) { run in
      let task = UnsafeTask(run)
      DispatchQueue.concurrentPerform(iterations: threads) { t in
        inRegion { task.body((count * t / threads)..<(count * (t + 1) / threads)) }
      }
    }
  }

  /// Runs `body(part, range)` over contiguous parts that cover `0..<count`, one part per thread
  /// (up to `Threads.count`).
  ///
  /// For work whose units each call GEMMs: a part's units and their GEMMs run on that part's
  /// core (GEMMs inside do not split again), which keeps the copies between GEMMs parallel too
  /// and every GEMM at a size that runs well on one core. On one thread, or with fewer than two
  /// units, it is `body(0, 0..<count)`, whose GEMMs may split. Parts must write disjoint memory
  /// (give each part its own accumulator when they would not).
  public static func parts(_ count: Int, _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let threads = partCount(count)
    if threads <= 1 {
      body(0, 0..<count)
      return
    }
    withoutActuallyEscaping(body) { run in
      let task = UnsafePartTask(run)
      DispatchQueue.concurrentPerform(iterations: threads) { t in
        inRegion { task.body(t, (count * t / threads)..<(count * (t + 1) / threads)) }
      }
    }
  }

  /// The number of parts ``parts(_:_:)`` splits `count` units into (1 inside a parallel region).
  public static func partCount(_ count: Int) -> Int {
    isActive ? 1 : min(Threads.count, max(count, 1))
  }

  /// True on a thread that runs a part of a parallel region: work it starts stays on it.
  ///
  /// Per thread, so that another thread (an editor's render worker) can start its own region
  /// meanwhile and a thread's part count never changes between sizing buffers and splitting.
  static var isActive: Bool { pthread_getspecific(regionKey) != nil }

  /// Runs `body` with this thread marked as inside a parallel region (restored afterwards).
  private static func inRegion(_ body: () -> Void) {
    let outer = pthread_getspecific(regionKey)
    pthread_setspecific(regionKey, regionMark)
    defer { pthread_setspecific(regionKey, outer) }
    body()
  }

  private static let regionKey: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k, nil)
    return k
  }()

  /// Any non-nil pointer marks a thread as inside a region.
  nonisolated(unsafe) private static let regionMark = UnsafeRawPointer(bitPattern: 1)

  private struct UnsafePartTask: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
    init(_ body: @escaping (Int, Range<Int>) -> Void) { self.body = body }
  }

  /// Carries the loop body into the worker threads (each chunk writes disjoint memory).
  private struct UnsafeTask: @unchecked Sendable {
    let body: (Range<Int>) -> Void
    init(_ body: @escaping (Range<Int>) -> Void) { self.body = body }
  }
}
