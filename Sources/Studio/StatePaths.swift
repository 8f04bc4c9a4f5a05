// Where the journal and the macro file live.

import Foundation

/// Locations of the editor's state and configuration files.
///
/// Journal: `$VISAGE_STATE_DIR`, else `$XDG_STATE_HOME/visage`, else `~/.local/state/visage`.
/// Macros: `$VISAGE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/visage`, else `~/.config/visage`.
public enum StatePaths {
  static var env: [String: String] { ProcessInfo.processInfo.environment }
  static var home: String { env["HOME"] ?? NSHomeDirectory() }

  /// The directory of the autosave journal.
  public static var stateDirectory: String {
    if let d = env["VISAGE_STATE_DIR"], !d.isEmpty { return d }
    if let x = env["XDG_STATE_HOME"], !x.isEmpty { return x + "/visage" }
    return home + "/.local/state/visage"
  }

  /// The directory of the macro file.
  public static var configDirectory: String {
    if let d = env["VISAGE_CONFIG_DIR"], !d.isEmpty { return d }
    if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/visage" }
    return home + "/.config/visage"
  }

  /// `journal.jsonl` in the state directory.
  public static var journal: String { stateDirectory + "/journal.jsonl" }
  /// `macros` in the config directory.
  public static var macros: String { configDirectory + "/macros" }
}
