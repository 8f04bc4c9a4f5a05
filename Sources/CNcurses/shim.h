// ncursesw with wide characters. SwiftPM drops the -D flags of the .pc file,
// so the defines it would pass live here.
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 600
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

// ---- Accessors and helpers for Swift (TUI module) ----
// Swift 6 cannot read the ncurses globals (COLS, LINES, stdscr, COLORS) and does not import
// function-like macros, so they are wrapped here.
// No <stdlib.h> or other header that pulls in <sys/select.h>: with the _XOPEN_SOURCE above,
// fd_set would differ from Foundation's (CDispatch) copy and clang rejects the module.
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline unsigned cn_attr_bold(void) { return (unsigned)A_BOLD; }
static inline unsigned cn_attr_dim(void) { return (unsigned)A_DIM; }
static inline unsigned cn_attr_reverse(void) { return (unsigned)A_REVERSE; }
static inline unsigned cn_attr_underline(void) { return (unsigned)A_UNDERLINE; }
static inline unsigned cn_color_pair(int n) { return (unsigned)COLOR_PAIR(n); }
static inline int cn_mouse_version(void) { return NCURSES_MOUSE_VERSION; }

/// Mouse masks (ncurses mouse version 2).
static inline unsigned cn_button1_pressed(void) { return (unsigned)BUTTON1_PRESSED; }
static inline unsigned cn_button1_released(void) { return (unsigned)BUTTON1_RELEASED; }
static inline unsigned cn_button1_clicked(void) { return (unsigned)BUTTON1_CLICKED; }
static inline unsigned cn_button4_pressed(void) { return (unsigned)BUTTON4_PRESSED; }
static inline unsigned cn_button5_pressed(void) { return (unsigned)BUTTON5_PRESSED; }
static inline unsigned cn_report_position(void) { return (unsigned)REPORT_MOUSE_POSITION; }
static inline unsigned cn_all_mouse_events(void) { return (unsigned)ALL_MOUSE_EVENTS; }
static inline unsigned cn_button_shift(void) { return (unsigned)BUTTON_SHIFT; }

/// Draws one wide character with attributes and a colour pair at (y, x) of `win`.
static inline int cn_put_wch(WINDOW *win, int y, int x, wchar_t ch, unsigned attrs, int pair) {
  cchar_t c;
  wchar_t text[2] = {ch, 0};
  setcchar(&c, text, (attr_t)attrs, (short)(pair < 32767 ? pair : 0), &pair);
  return mvwadd_wch(win, y, x, &c);
}

// ---- Terminal restore on exit, signals and crashes ----
// State lives in function-local statics: Swift's importer emits functions, not header globals.
static inline struct termios *cn_saved_termios_slot(void) {
  static struct termios saved;
  return &saved;
}
static inline int *cn_have_termios_slot(void) {
  static int have = 0;
  return &have;
}
static inline volatile sig_atomic_t *cn_quit_signal_slot(void) {
  static volatile sig_atomic_t sig = 0;
  return &sig;
}
static inline volatile sig_atomic_t *cn_ui_active_slot(void) {
  static volatile sig_atomic_t on = 0;
  return &on;
}
static inline struct sigaction *cn_old_actions_slot(void) {
  static struct sigaction old[32];
  return old;
}
static const char cn_reset_sequence[] =
    "\033[?1002l\033[?1003l\033[?1006l\033[?1000l\033[?2026l\033[0m\033[?25h\033[?1049l"
    "\033[?1l\033>";

/// Saves the terminal modes of fd 0 (call before initscr).
static inline void cn_save_termios(void) {
  if (tcgetattr(0, cn_saved_termios_slot()) == 0) *cn_have_termios_slot() = 1;
}

/// Marks whether the full-screen UI is up (the exit hook restores only then).
static inline void cn_set_ui_active(int on) { *cn_ui_active_slot() = on; }

/// Writes the reset sequence and restores the saved termios (async-signal-safe).
static inline void cn_emergency_restore(void) {
  ssize_t n = write(1, cn_reset_sequence, sizeof cn_reset_sequence - 1);
  (void)n;
  if (*cn_have_termios_slot()) tcsetattr(0, TCSANOW, cn_saved_termios_slot());
}

/// The atexit hook: restores the terminal if the UI is still up.
static void cn_exit_restore(void) {
  if (*cn_ui_active_slot()) cn_emergency_restore();
}

extern int atexit(void (*function)(void));

/// Registers `cn_exit_restore` with atexit (once).
static inline void cn_install_exit_hook(void) {
  static int installed = 0;
  if (!installed) {
    installed = 1;
    atexit(cn_exit_restore);
  }
}

static void cn_crash_handler(int sig) {
  cn_emergency_restore();
  if (sig > 0 && sig < 32) sigaction(sig, &cn_old_actions_slot()[sig], NULL);
  raise(sig);
}

static void cn_quit_handler(int sig) { *cn_quit_signal_slot() = sig; }

/// Installs crash handlers (SEGV, BUS, ILL, TRAP, ABRT, FPE) that restore the terminal and
/// then re-raise with the previous handler, and quit handlers (TERM, INT, HUP) that set a flag.
static inline void cn_install_signal_handlers(void) {
  int crash[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
  for (unsigned i = 0; i < sizeof crash / sizeof crash[0]; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cn_crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(crash[i], &sa, &cn_old_actions_slot()[crash[i]]);
  }
  int quit[] = {SIGTERM, SIGINT, SIGHUP};
  for (unsigned i = 0; i < sizeof quit / sizeof quit[0]; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cn_quit_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(quit[i], &sa, &cn_old_actions_slot()[quit[i]]);
  }
}

/// Stops the process group as a shell's Ctrl-Z would (default SIGTSTP action), so wrappers
/// such as `swift run` stop too, and returns once continued; the previous SIGTSTP handler is
/// put back afterwards. Returns 0 without stopping when SIGTSTP was ignored (no job control).
static inline int cn_stop_self(void) {
  struct sigaction dfl, old;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGTSTP, &dfl, &old);
  if (old.sa_handler == SIG_IGN) {
    sigaction(SIGTSTP, &old, NULL);
    return 0;
  }
  kill(0, SIGTSTP);
  sigaction(SIGTSTP, &old, NULL);
  return 1;
}

/// The signal that asked the editor to quit (0: none).
static inline int cn_pending_quit_signal(void) { return *cn_quit_signal_slot(); }

/// Prints `text` (UTF-8) at (y, x) with attributes and an extended colour pair.
static inline int cn_print(WINDOW *win, int y, int x, const char *text, unsigned attrs, int pair) {
  if (wmove(win, y, x) == ERR) return ERR;
  wattr_set(win, (attr_t)attrs, (short)(pair < 32767 ? pair : 0), &pair);
  int r = waddstr(win, text);
  wattr_set(win, A_NORMAL, 0, NULL);
  return r;
}
