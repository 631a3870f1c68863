from balises.cli.main import run

run()
