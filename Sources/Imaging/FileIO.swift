// Whole-file reads and atomic writes on POSIX file descriptors.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File helpers used by the codecs: read a file whole, write one atomically.
public enum FileIO {
  /// Returns the system message for `errno`.
  static func errnoMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
  }

  /// Reads the whole file at `path`; refuses files over `limit` bytes.
  public static func readAll(path: String, limit: Int = 1 << 30) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw ImagingError.unreadable(path: path, reason: errnoMessage()) }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 {
      throw ImagingError.unreadable(path: path, reason: errnoMessage())
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw ImagingError.unreadable(path: path, reason: "is a directory")
    }
    if Int(info.st_size) > limit {
      throw ImagingError.unreadable(path: path, reason: "file larger than \(limit) bytes")
    }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw ImagingError.unreadable(path: path, reason: errnoMessage())
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
      if bytes.count > limit {
        throw ImagingError.unreadable(path: path, reason: "file larger than \(limit) bytes")
      }
    }
    return bytes
  }

  /// Writes `bytes` to `path` atomically.
  ///
  /// A temporary file in the same folder is written and fsynced, then linked into place
  /// (no overwrite) or renamed over the target (overwrite). Nothing is left behind on failure.
  public static func writeAtomically(_ bytes: [UInt8], to path: String, overwrite: Bool) throws {
    if !overwrite && access(path, F_OK) == 0 { throw ImagingError.exists(path: path) }
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array("\(folder).\(base).tmp-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 { throw ImagingError.unwritable(path: path, reason: errnoMessage()) }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var failure: String?
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = errnoMessage()
          return
        }
        offset += n
      }
    }
    if failure == nil && fsync(fd) != 0 { failure = errnoMessage() }
    if failure == nil { _ = fchmod(fd, 0o644) }
    close(fd)
    if failure == nil {
      if overwrite {
        if rename(temporary, path) != 0 { failure = errnoMessage() }
      } else if link(temporary, path) != 0 {
        let code = errno
        if code == EEXIST {
          unlink(temporary)
          throw ImagingError.exists(path: path)
        }
        // Filesystems without hard links: check, then rename (a small race remains).
        if access(path, F_OK) == 0 {
          unlink(temporary)
          throw ImagingError.exists(path: path)
        }
        if rename(temporary, path) != 0 { failure = errnoMessage() }
      }
    }
    unlink(temporary)
    if let failure { throw ImagingError.unwritable(path: path, reason: failure) }
  }
}
