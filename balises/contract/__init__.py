"""The answers contract: field paths, the contract's cross-field rules (data), answers in layers."""
