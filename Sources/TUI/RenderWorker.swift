// Renders off the UI thread, always working on the newest request.

import Foundation
import Studio

/// A background render thread with a one-slot queue: a new request replaces a waiting one,
/// so while a slider is dragged stale requests are dropped and the newest result wins.
public final class RenderWorker: @unchecked Sendable {
  private let renderer: Renderer
  private let condition = NSCondition()
  private var pending: RenderRequest?
  private var finished: [Result<RenderedEdit, Error>] = []
  private var busy = false
  private var stopped = false
  /// Called on the worker thread after each render, for example to wake the UI.
  public var onFinish: (@Sendable () -> Void)?

  public init(renderer: Renderer) {
    self.renderer = renderer
    let thread = Thread { [unowned self] in self.loop() }
    thread.name = "visage-render"
    thread.start()
  }

  /// Queues `request`, replacing any request not yet started.
  public func submit(_ request: RenderRequest) {
    condition.lock()
    pending = request
    condition.signal()
    condition.unlock()
  }

  /// Results finished since the last call, oldest first.
  public func takeFinished() -> [Result<RenderedEdit, Error>] {
    condition.lock()
    defer { condition.unlock() }
    let out = finished
    finished = []
    return out
  }

  /// True while a render runs or waits.
  public var isBusy: Bool {
    condition.lock()
    defer { condition.unlock() }
    return busy || pending != nil
  }

  /// Stops the thread after the current render.
  public func stop() {
    condition.lock()
    stopped = true
    condition.signal()
    condition.unlock()
  }

  private func loop() {
    while true {
      condition.lock()
      while pending == nil && !stopped { condition.wait() }
      if stopped {
        condition.unlock()
        return
      }
      let request = pending!
      pending = nil
      busy = true
      condition.unlock()
      let result = Result { try renderer.render(request) }
      condition.lock()
      busy = false
      finished.append(result)
      if finished.count > 4 { finished.removeFirst(finished.count - 4) }
      condition.unlock()
      onFinish?()
    }
  }
}
