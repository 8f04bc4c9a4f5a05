// Process-wide thread count: one level of parallelism at a time.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The thread budget shared by OpenBLAS and our own parallel loops.
///
/// Visage never nests parallelism: GEMMs use ``count`` OpenBLAS threads while the surrounding
/// Swift code stays serial. `VISAGE_THREADS` (or `--threads`) sets the count; the default is the
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
