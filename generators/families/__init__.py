"""Generator families and other dfgen subcommands, one module each."""
