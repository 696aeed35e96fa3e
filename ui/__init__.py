"""The Streamlit helpers every page shares, one module per concern, layered bottom-up.

    lang       the session's language: tr(), names(), widget keys, the switch
    book       the book's section and forum, linked at the end of every page
    notebook   the "Download as notebook" button (lib/notebook.py)
    a11y       charts named by their figures, the page's title and language, announcements
    context    the server's resources (settings, device, data set, run store, the
               app's address) and showing code or user text
    identity   who this browser is: its secret in a cookie, personal links
    teacher    the classes this browser teaches: their secrets in a cookie
    poll       the class poll: the teacher asks and reveals, students answer
    classroom  the class a student belongs to, joining one from a link
    projector  the class board for the projector: read-only, big, a QR code
    runs       the student's runs: loaded once, saved, deleted
    training   training with a place in the server's queue
    panels     what combines them: run pickers, the sidebar's panels

A module imports only modules listed before it (LAYERS; tests/test_layers.py
checks it). Pages import names (`from ui.lang import tr`); inside ui a module
imports the modules below it (`from ui import context`, then context.store()), so a
test that replaces ui.context.store reaches every caller.
"""

LAYERS = (
    "lang",
    "book",
    "notebook",
    "a11y",
    "context",
    "identity",
    "teacher",
    "poll",
    "classroom",
    "projector",
    "runs",
    "training",
    "panels",
)
