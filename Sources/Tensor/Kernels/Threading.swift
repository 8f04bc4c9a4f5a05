// Process-wide thread count: one level of parallelism at a time.

import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The thread budget shared by OpenBLAS and our own parallel loops.
///
/// Visage never nests parallelism: GEMMs use ``count`` OpenBLAS threads, and our own parallel
/// loops (``Parallel``) run between GEMMs, never at the same time as one. `VISAGE_THREADS` (or `--threads`) sets the count; the default is the
/// number of online processors.
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
    BLAS.setThreads(current)
  }
}

/// Splits a loop over the thread budget (`Threads.count`), never nested.
///
/// Kernels call it between GEMMs, when OpenBLAS's threads are idle, so one level of parallelism
/// holds. Small loops stay on the calling thread: a hand-off costs a few microseconds.
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
    if threads <= 1 || count * costPerItem < minimumWork {
      body(0..<count)
      return
    }
    withoutActuallyEscaping(body) { run in
      let task = UnsafeTask(run)
      DispatchQueue.concurrentPerform(iterations: threads) { t in
        task.body((count * t / threads)..<(count * (t + 1) / threads))
      }
    }
  }

  /// Carries the loop body into the worker threads (each chunk writes disjoint memory).
  private struct UnsafeTask: @unchecked Sendable {
    let body: (Range<Int>) -> Void
    init(_ body: @escaping (Range<Int>) -> Void) { self.body = body }
  }
}
