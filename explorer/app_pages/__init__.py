"""Explorer pages: layout only; logic lives in explorer.views and the library."""
