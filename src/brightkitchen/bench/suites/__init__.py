"""One module per `brightkitchen bench <name>` subcommand; see `brightkitchen.bench.registry`."""
