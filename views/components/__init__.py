"""The shared page kit: runtime (engine, user, role check, cache), layout (header, empty
state, key-figure cards, tables), URL filters, form plumbing, downloads, and one module of
sections per area. Page scripts in views/ call these and stay short."""
