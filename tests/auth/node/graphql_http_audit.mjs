// GraphQL over HTTP compliance: runs graphql-http's server audit against URL (argv[2]) and prints
// one JSON line: [{id, name, status, reason}], status being "ok", "warn" or "error".
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
console.log(JSON.stringify(results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.reason }))));
