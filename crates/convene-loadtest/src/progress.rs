//! [`Progress`]: one line on stderr saying what the run is doing, so stdout stays the report.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A phase's counter, drawn on stderr by a background task: redrawn in place (`\r`) on a
/// terminal, one line every few seconds otherwise. Cheap to clone and to bump.
#[derive(Clone)]
pub(crate) struct Progress {
    inner: Option<Arc<Inner>>,
}

/// Width of the bar, in characters.
const BAR: usize = 30;

struct Inner {
    phase: Mutex<(String, usize, Instant)>,
    done: AtomicUsize,
}

impl Progress {
    /// A progress line, drawn only when `enabled` (tests run quietly).
    pub(crate) fn new(enabled: bool) -> Progress {
        if !enabled {
            return Progress { inner: None };
        }
        let inner = Arc::new(Inner {
            phase: Mutex::new((String::new(), 0, Instant::now())),
            done: AtomicUsize::new(0),
        });
        let weak = Arc::downgrade(&inner);
        let tty = std::io::stderr().is_terminal();
        let every = if tty {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                inner.draw(tty);
            }
        });
        Progress { inner: Some(inner) }
    }

    /// Starts a phase of `total` steps (0: no known total, e.g. a timed window).
    pub(crate) fn phase(&self, name: &str, total: usize) {
        let Some(inner) = &self.inner else { return };
        inner.end_line();
        *inner.lock() = (name.to_owned(), total, Instant::now());
        inner.done.store(0, Ordering::Relaxed);
    }

    /// One step of the phase done.
    pub(crate) fn inc(&self) {
        if let Some(inner) = &self.inner {
            inner.done.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Ends the line (call before the report is printed).
    pub(crate) fn finish(&self) {
        if let Some(inner) = &self.inner {
            inner.end_line();
            inner.lock().0.clear();
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, (String, usize, Instant)> {
        // A poisoned lock only means a panic elsewhere; the text is still usable.
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Draws the phase's last state and ends its line.
    fn end_line(&self) {
        let tty = std::io::stderr().is_terminal();
        if !self.lock().0.is_empty() {
            self.draw(tty);
            if tty {
                eprintln!();
            }
        }
    }

    fn draw(&self, tty: bool) {
        let (name, total, since) = self.lock().clone();
        if name.is_empty() {
            return;
        }
        let done = self.done.load(Ordering::Relaxed);
        let secs = since.elapsed().as_secs_f64();
        let line = match (done.min(total) * BAR).checked_div(total) {
            Some(filled) => format!(
                "{name:<14} [{}{}] {done}/{total} {secs:.1}s",
                "#".repeat(filled),
                "-".repeat(BAR - filled)
            ),
            None => format!("{name:<14} {secs:.1}s"),
        };
        let mut err = std::io::stderr().lock();
        let _ = if tty {
            write!(err, "\r{line}\x1b[K")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }
}
