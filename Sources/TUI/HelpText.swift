// The `?` overlay.

/// Key reference shown by `?`.
public enum HelpText {
  public static let lines: [String] = [
    "visage editor — keys",
    "",
    "↑↓ / j k      select attribute (or chips / intensity)",
    "← →           adjust by 0.05      Shift+← → by 0.25",
    "0             reset the selected slider",
    "Tab           switch panel: attributes ⇄ expression",
    "mouse         click or drag a slider, click a chip, wheel",
    "b             before / after (unedited vs edited)",
    "v             variant DIS ⇄ DEC      R  reset all",
    "u / Ctrl-R    undo / redo",
    "d             draw on the sketch with the mouse (e eraser, [ ] width,",
    "              C clear strokes, d or Esc done)      N  new blank canvas",
    "c             crop box: drag to move, corners resize, arrows, +/-,",
    "              Enter applies, 0 removes, Esc cancels",
    "o / s         open / save (Tab completes paths)",
    ":             command line: set smiling 0.6, expr happy 0.8,",
    "              variant dec, crop X Y W H, save! out.png, reset",
    "q a–z … q     record a macro into a register",
    "[N]@ a–z      play a macro N times      @@ repeat last",
    "Ctrl-Z        suspend to the shell (fg comes back)",
    "Ctrl-C        quit (edits are journaled; visage edit restores)",
    "",
    "press any key to close",
  ]
}
