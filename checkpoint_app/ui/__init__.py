"""The Qt screens. Importing any of them first applies the work-around for the
installed binding's known bugs (:mod:`checkpoint_app.ui.qt_compat`), so every
screen, script, benchmark and test that uses Qt runs with it."""

from checkpoint_app.ui.qt_compat import fix_signal_emit_refcount

fix_signal_emit_refcount()
