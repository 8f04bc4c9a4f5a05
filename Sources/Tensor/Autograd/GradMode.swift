// Per-thread switch that decides whether operations record themselves on the tape.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whether operations on the current thread record backward nodes.
///
/// Recording is on by default. ``withNoGrad(_:)`` turns it off for a scope (inference, optimizer
/// steps, first-order backward passes); ``withGrad(_:)`` turns it back on (double backward).
public enum GradMode {
  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k, nil)
    return k
  }()

  /// True when operations on this thread are recorded.
  public static var isEnabled: Bool {
    // The slot holds nil (enabled, the default) or a non-nil marker (disabled).
    pthread_getspecific(key) == nil
  }

  static func set(_ enabled: Bool) {
    pthread_setspecific(key, enabled ? nil : UnsafeRawPointer(bitPattern: 1))
  }
}

/// Runs `body` with recording turned off on this thread.
@discardableResult
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
  let old = GradMode.isEnabled
  GradMode.set(false)
  defer { GradMode.set(old) }
  return try body()
}

/// Runs `body` with recording turned on on this thread.
@discardableResult
public func withGrad<T>(_ body: () throws -> T) rethrows -> T {
  let old = GradMode.isEnabled
  GradMode.set(true)
  defer { GradMode.set(old) }
  return try body()
}
