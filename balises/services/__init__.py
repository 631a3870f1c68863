"""What the shells call: generate (and write safely), the kit, batch, regenerate, update and diff."""
