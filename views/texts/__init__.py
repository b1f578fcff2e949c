"""Danish copy for the pages, one module per area: page intros, empty states and help
texts that are not the definition of a measure (those are in lib/domain/measures.py)."""
