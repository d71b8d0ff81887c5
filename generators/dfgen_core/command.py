"""A dfgen subcommand.

Each subcommand is a module families/<name>.py defining COMMAND, an
object with:

    name            the subcommand
    summary         one line for --help
    add_arguments(parser)   its options (argparse)
    run(args)       do the job; return the exit status

Generator families get their common options and their run() from
family.GeneratorFamily; other jobs (kconf, overlay) subclass Command.
"""


class Command:
    name = None
    summary = None

    def add_arguments(self, parser):
        """Declare the subcommand's options."""

    def run(self, args):
        raise NotImplementedError
