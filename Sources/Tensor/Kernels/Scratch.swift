// A per-thread reusable float buffer for im2col columns and similar temporaries.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Grow-only scratch memory owned by the calling thread.
///
/// Kernels borrow it for the duration of one call; it is never shared across threads, so
/// concurrent inference on another thread gets its own buffer.
enum Scratch {
  private final class Box {
    var pointer: UnsafeMutablePointer<Float>
    var capacity: Int
    init() {
      capacity = 0
      pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }
    deinit { pointer.deallocate() }
  }

  private static let key: pthread_key_t = {
    var k = pthread_key_t()
    pthread_key_create(&k) { raw in
      if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
    }
    return k
  }()

  private static func box() -> Box {
    if let raw = pthread_getspecific(key) {
      return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
    }
    let b = Box()
    pthread_setspecific(key, Unmanaged.passRetained(b).toOpaque())
    return b
  }

  /// Runs `body` with at least `count` floats of this thread's scratch (contents undefined).
  static func with<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    let b = box()
    if b.capacity < count {
      b.pointer.deallocate()
      b.pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
      b.capacity = count
    }
    return body(b.pointer)
  }
}
