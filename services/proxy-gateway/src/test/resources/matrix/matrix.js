// One run of the driver matrix's corpus with Node.js's mysql2 (from npm).
// Usage: node matrix.js HOST PORT USER - SCHEMA CORPUS   (the password in MATRIX_PASSWORD)
// Prints what the program observed, one line per fact; ClientMatrixIT compares it between a direct run and runs
// through the gateway. @prepared lines use mysql2's execute (server-side prepared statements).
'use strict';
const fs = require('fs');
const mysql = require('mysql2/promise');

function cases(path) {
  const out = [];
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (line.startsWith('== ')) out.push({ name: line.slice(3), lines: [] });
    else out[out.length - 1].lines.push(line);
  }
  return out;
}

function shown(v) {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) {
    const s = v.toString('utf8');
    if (Buffer.from(s, 'utf8').equals(v) && !/[\x00-\x08\x0e-\x1f]/.test(s)) {
      return s.length <= 200 ? s : `${s.length} chars ${s.slice(0, 16)}`;
    }
    return v.length <= 64 ? '0x' + v.toString('hex') : `${v.length} bytes ${v.subarray(0, 16).toString('hex')}`;
  }
  if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
  if (typeof v === 'string' && v.length > 200) return `${v.length} chars ${v.slice(0, 16)}`;
  return JSON.stringify(v);
}

function header(h) {
  return `update ${h.affectedRows} insertId ${h.insertId} info ${JSON.stringify(h.info)}`
    + ` status ${h.serverStatus} warnings ${h.warningStatus} changed ${h.changedRows}`;
}

function write(out, result, fields) {
  if (Array.isArray(result) && fields && fields.length && Array.isArray(fields[0])) {
    // several results (multi-statements, CALL): pairs of rows and fields, or headers
    result.forEach((r, i) => write(out, r, fields[i]));
    return;
  }
  if (Array.isArray(result) && result.length && !Array.isArray(fields) && result[0] && result[0].constructor
      && result[0].constructor.name === 'ResultSetHeader') {
    result.forEach((r) => write(out, r, undefined));
    return;
  }
  if (Array.isArray(result)) {
    out.push(`columns ${JSON.stringify((fields || []).map((f) => [f.name, f.columnType, f.flags, f.decimals]))}`);
    for (const row of result) out.push('row ' + row.map(shown).join(' | '));
    return;
  }
  if (result) out.push(header(result));
}

async function main() {
  const [host, port, user, , schema, corpus, mode] = process.argv.slice(2);
  const options = {
    compress: mode === 'compress',
    host, port: Number(port), user, password: process.env.MATRIX_PASSWORD, database: schema,
    multipleStatements: true, rowsAsArray: true, supportBigNumbers: true, bigNumberStrings: true,
    dateStrings: true, charset: 'utf8mb4_general_ci', maxPreparedStatements: 100,
  };
  const out = [];
  for (const c of cases(corpus)) {
    out.push(`== ${c.name}`);
    const conns = {};
    try {
      conns.main = await mysql.createConnection(options);
    } catch (e) {
      out.push(`connect ERR ${e.errno} ${e.sqlState} ${e.message}`);
      continue;
    }
    for (let line of c.lines) {
      let on = 'main';
      let params;
      if (line.startsWith('@other ')) {
        on = 'other';
        line = line.slice('@other '.length);
      } else if (line.startsWith('@prepared ')) {
        const tab = line.indexOf('\t');
        params = JSON.parse(line.slice(tab + 1));
        line = line.slice('@prepared '.length, tab);
      }
      if (!conns[on]) conns[on] = await mysql.createConnection(options);
      out.push(`> ${on === 'other' ? '[other] ' : ''}${line.slice(0, 120)}`);
      try {
        const [result, fields] = params ? await conns[on].execute(line, params) : await conns[on].query(line);
        write(out, result, fields);
      } catch (e) {
        out.push(`ERR ${e.errno} ${e.sqlState} ${e.sqlMessage || e.message}`);
      }
    }
    for (const conn of Object.values(conns)) {
      try {
        await conn.end();
      } catch (e) {
        // closed already (killed): nothing more to observe
      }
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e.stack || e) + '\n');
  process.exit(1);
});
