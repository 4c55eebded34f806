#!/usr/bin/env python3
"""One run of the driver matrix's corpus with a command-line client (mariadb, or mysql).

Usage: matrix-cli.py CLIENT HOST PORT USER - SCHEMA CORPUS [OPTION...]
Each case's plain statements go to one run of the client, in batch mode with --force (every statement runs, an
error does not stop the rest), echoed (-vv) with its results, its warnings and its errors; @ lines are skipped (the
command-line client has no second connection of its own and no prepared statements). The password comes from the
environment (MYSQL_PWD). OPTIONs go to the client as they are (--compress). Lines longer than 200 characters are
shown by length and digest; a case that takes more than 60 seconds says so and the next one runs.
"""
import hashlib
import subprocess
import sys

from matrix import cases  # the corpus as matrix.py reads it (this directory is on the path)


def shown(line):
    if len(line) <= 200:
        return line
    return "%d chars %s md5 %s" % (len(line), line[:16], hashlib.md5(line.encode("utf-8", "replace")).hexdigest())


def main():
    client, host, port, user, _, schema, corpus = sys.argv[1:8]
    options = sys.argv[8:]
    out = sys.stdout
    for name, lines in cases(corpus):
        out.write("== %s\n" % name)
        statements = [line for line in lines if not line.startswith("@")]
        # a delimiter that no statement holds: a line with ';' in it goes as one multi-statement or procedure body
        script = "DELIMITER //\n" + "".join("%s //\n" % s for s in statements)
        try:
            run = subprocess.run([client, "-h", host, "-P", port, "-u", user, "--force", "-vv", "--batch",
                                  "--unbuffered", "--show-warnings", "--max-allowed-packet=64M", schema] + options,
                                 input=script.encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 timeout=60)
            text = run.stdout.decode("utf-8", "replace")
            for line in text.splitlines():
                out.write(shown(line) + "\n")
            out.write("exit %d\n" % run.returncode)
        except subprocess.TimeoutExpired:
            out.write("did not finish in 60 seconds\n")
    out.flush()


if __name__ == "__main__":
    main()
