// One run of the driver matrix's corpus with Go's go-sql-driver/mysql (Debian's
// golang-github-go-sql-driver-mysql-dev). Usage: matrix HOST PORT USER - SCHEMA CORPUS (the password in
// MATRIX_PASSWORD). Prints what the program observed, one line per fact; ClientMatrixIT compares it between a direct
// run and runs through the gateway. @prepared lines use server-side prepared statements (db.Prepare).
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"
)

type testCase struct {
	name  string
	lines []string
}

func cases(path string) []testCase {
	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	var out []testCase
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "== ") {
			out = append(out, testCase{name: line[3:]})
		} else {
			out[len(out)-1].lines = append(out[len(out)-1].lines, line)
		}
	}
	return out
}

func shown(v sql.RawBytes) string {
	if v == nil {
		return "NULL"
	}
	if utf8.Valid(v) && !strings.ContainsAny(string(v), "\x00\x01\x02\x03\x04\x05\x06\x07\x08") {
		if len(v) > 200 {
			return fmt.Sprintf("%d chars %s", len(v), string(v[:16]))
		}
		return string(v)
	}
	if len(v) > 64 {
		return fmt.Sprintf("%d bytes %s", len(v), hex.EncodeToString(v[:16]))
	}
	return "0x" + hex.EncodeToString(v)
}

func failure(err error) string {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return fmt.Sprintf("ERR %d %s", me.Number, me.Message)
	}
	return "ERR " + err.Error()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error)
}

func rows(w *bufio.Writer, q querier, query string, args []interface{}) {
	r, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		fmt.Fprintln(w, failure(err))
		return
	}
	printRows(w, r)
}

func printRows(w *bufio.Writer, r *sql.Rows) {
	defer r.Close()
	for set := 0; ; set++ {
		cols, _ := r.Columns()
		types, _ := r.ColumnTypes()
		var names []string
		for i, c := range cols {
			names = append(names, c+":"+types[i].DatabaseTypeName())
		}
		fmt.Fprintf(w, "columns %v\n", names)
		values := make([]sql.RawBytes, len(cols))
		ptrs := make([]interface{}, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		for r.Next() {
			if err := r.Scan(ptrs...); err != nil {
				fmt.Fprintln(w, failure(err))
				return
			}
			var shownValues []string
			for _, v := range values {
				shownValues = append(shownValues, shown(v))
			}
			fmt.Fprintf(w, "row %s\n", strings.Join(shownValues, " | "))
		}
		if err := r.Err(); err != nil {
			fmt.Fprintln(w, failure(err))
			return
		}
		if !r.NextResultSet() {
			if err := r.Err(); err != nil {
				fmt.Fprintln(w, failure(err))
			}
			return
		}
	}
}

var leadingComments = regexp.MustCompile(`^\s*(/\*.*?\*/\s*)*`)

// Whether a statement returns rows (or several results): read with Query, else Exec.
func isQuery(s string) bool {
	t := strings.ToUpper(leadingComments.ReplaceAllString(s, ""))
	for _, p := range []string{"SELECT", "SHOW", "EXPLAIN", "CALL", "WITH", "DESC", "XA RECOVER", "HANDLER"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return strings.Contains(strings.TrimRight(s, "; "), ";")
}

// Whether the statement is one that go-sql-driver/mysql 1.5.0 (Debian 12's) cannot finish against any server: in a
// multi-statement, an error after the first result leaves Rows.NextResultSet reading for an EOF that never comes.
func hangs(s string) bool {
	return strings.Contains(s, "; SELECT * FROM no_such_table;")
}

func main() {
	host, port, user, schema, corpus := os.Args[1], os.Args[2], os.Args[3], os.Args[5], os.Args[6]
	cfg := mysql.NewConfig()
	cfg.User = user
	cfg.Passwd = os.Getenv("MATRIX_PASSWORD")
	cfg.Net = "tcp"
	cfg.Addr = host + ":" + port
	cfg.DBName = schema
	cfg.MultiStatements = true
	cfg.AllowNativePasswords = true
	cfg.Params = map[string]string{"charset": "utf8mb4"}
	cfg.MaxAllowedPacket = 64 << 20
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		panic(err)
	}
	db.SetMaxIdleConns(0) // every case on fresh connections: none goes back to a pool with the last case's state
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	ctx := context.Background()
	for _, c := range cases(corpus) {
		fmt.Fprintf(w, "== %s\n", c.name)
		conns := map[string]*sql.Conn{}
		for _, line := range c.lines {
			on := "main"
			var args []interface{}
			prepared := false
			if strings.HasPrefix(line, "@other ") {
				on, line = "other", strings.TrimPrefix(line, "@other ")
			} else if strings.HasPrefix(line, "@prepared ") {
				parts := strings.SplitN(strings.TrimPrefix(line, "@prepared "), "\t", 2)
				line, prepared = parts[0], true
				if err := json.Unmarshal([]byte(parts[1]), &args); err != nil {
					panic(err)
				}
			}
			conn, ok := conns[on]
			if !ok {
				conn, err = db.Conn(ctx)
				if err != nil {
					fmt.Fprintln(w, "connect "+failure(err))
					break
				}
				conns[on] = conn
			}
			shownLine := line
			if len(shownLine) > 120 {
				shownLine = shownLine[:120]
			}
			if on == "other" {
				shownLine = "[other] " + shownLine
			}
			fmt.Fprintf(w, "> %s\n", shownLine)
			if hangs(line) {
				fmt.Fprintln(w, "skipped: go-sql-driver/mysql 1.5.0 waits forever for the end of a multi-statement"+
					" whose second statement fails, directly too")
				continue
			}
			if prepared {
				st, err := conn.PrepareContext(ctx, line)
				if err != nil {
					fmt.Fprintln(w, failure(err))
					continue
				}
				if isQuery(line) {
					if r, err := st.QueryContext(ctx, args...); err != nil {
						fmt.Fprintln(w, failure(err))
					} else {
						printRows(w, r)
					}
				} else if res, err := st.ExecContext(ctx, args...); err != nil {
					fmt.Fprintln(w, failure(err))
				} else {
					n, _ := res.RowsAffected()
					id, _ := res.LastInsertId()
					fmt.Fprintf(w, "update %d lastInsertId %d\n", n, id)
				}
				st.Close()
				continue
			}
			if isQuery(line) {
				rows(w, conn, line, nil)
			} else if res, err := conn.ExecContext(ctx, line); err != nil {
				fmt.Fprintln(w, failure(err))
			} else {
				n, _ := res.RowsAffected()
				id, _ := res.LastInsertId()
				fmt.Fprintf(w, "update %d lastInsertId %d\n", n, id)
			}
		}
		for _, conn := range conns {
			conn.Close()
		}
	}
}
