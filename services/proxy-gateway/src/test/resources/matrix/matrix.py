#!/usr/bin/env python3
"""One run of the driver matrix's corpus with a Python driver (Debian's python3-pymysql or python3-mysqldb).

Usage: matrix.py pymysql|mysqldb|mysqldb-compressed HOST PORT USER PASSWORD SCHEMA CORPUS
Prints what the program observed, one line per fact; ClientMatrixIT compares it between a direct run and runs
through the gateway. The password comes from the environment variable MATRIX_PASSWORD when PASSWORD is '-'.
"""
import datetime
import decimal
import json
import os
import sys


def cases(path):
    name, lines = None, []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("== "):
                if name is not None:
                    yield name, lines
                name, lines = line[3:], []
            else:
                lines.append(line)
    if name is not None:
        yield name, lines


def shown(v):
    if v is None:
        return "NULL"
    if isinstance(v, (bytes, bytearray)):
        try:
            s = bytes(v).decode("utf-8")
            if s.isprintable():
                return s if len(s) <= 200 else "%d chars %s" % (len(s), s[:16])
        except UnicodeDecodeError:
            pass
        return "0x" + (bytes(v).hex() if len(v) <= 64 else "%d bytes %s" % (len(v), bytes(v[:16]).hex()))
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal)):
        return str(v)
    if isinstance(v, str) and len(v) > 200:
        return "%d chars %s" % (len(v), v[:16])
    return repr(v)


def main():
    driver, host, port, user, password, schema, corpus = sys.argv[1:8]
    if password == "-":
        password = os.environ["MATRIX_PASSWORD"]
    if driver == "pymysql":
        import pymysql as db
        from pymysql.constants import CLIENT

        def connect():
            return db.connect(host=host, port=int(port), user=user, password=password, database=schema,
                              client_flag=CLIENT.MULTI_STATEMENTS, autocommit=True, charset="utf8mb4",
                              max_allowed_packet=64 * 1024 * 1024)
    elif driver in ("mysqldb", "mysqldb-compressed"):
        import MySQLdb as db
        from MySQLdb.constants import CLIENT

        def connect():
            return db.connect(host=host, port=int(port), user=user, passwd=password, db=schema,
                              client_flag=CLIENT.MULTI_STATEMENTS, autocommit=True, charset="utf8mb4",
                              compress=driver == "mysqldb-compressed")
    else:
        raise SystemExit("unknown driver " + driver)

    out = sys.stdout
    for name, lines in cases(corpus):
        out.write("== %s\n" % name)
        try:
            conns = {"main": connect()}
        except db.Error as e:
            out.write("connect ERR %s\n" % (e.args,))
            continue
        for line in lines:
            on = "main"
            params = None
            if line.startswith("@other "):
                on, line = "other", line[len("@other "):]
            elif line.startswith("@prepared "):
                line, _, p = line[len("@prepared "):].partition("\t")
                params = json.loads(p)
                line = line.replace("?", "%s")
            if on not in conns:
                conns[on] = connect()
            out.write("> %s%s\n" % ("[other] " if on == "other" else "", line[:120]))
            cur = conns[on].cursor()
            try:
                cur.execute(line, params)
                while True:
                    if cur.description:
                        out.write("columns %s\n" % [(d[0], d[1]) for d in cur.description])
                        for row in cur.fetchall():
                            out.write("row %s\n" % " | ".join(shown(v) for v in row))
                    else:
                        out.write("update %d lastrowid %s\n" % (cur.rowcount, cur.lastrowid))
                    if not cur.nextset():
                        break
            except db.Error as e:
                out.write("ERR %s %s\n" % (e.args[0], e.args[1] if len(e.args) > 1 else ""))
            finally:
                try:
                    cur.close()
                except db.Error:
                    pass
        for c in conns.values():
            try:
                c.close()
            except db.Error:
                pass
    out.flush()


if __name__ == "__main__":
    main()
