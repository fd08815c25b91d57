#!/usr/bin/env node
// Validates Grafana dashboard JSON files against Grafana's own Dashboard type.
//
// Grafana's server is not packaged for us, but @grafana/schema ships the TypeScript types
// generated from Grafana's CUE schema. ts-json-schema-generator turns the `Dashboard` type
// into a JSON Schema (strict: a field that is not in the type is an error, which catches
// typos such as "gridpos"), and ajv checks each file against it.
//
// Usage: node validate.js <dashboard.json>...   (exit 0 when every file is valid)
'use strict';

const fs = require('fs');
const path = require('path');
const tsj = require('ts-json-schema-generator');
const Ajv = require('ajv');

const TYPES = path.join(
  path.dirname(require.resolve('@grafana/schema/package.json')),
  'dist/types/raw/dashboard/x/types.gen.d.ts');

function dashboardSchema() {
  return tsj.createGenerator({
    path: TYPES,
    type: 'Dashboard',
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    jsDoc: 'none',
  }).createSchema('Dashboard');
}

function main(files) {
  if (files.length === 0) {
    console.error('usage: validate.js <dashboard.json>...');
    return 2;
  }
  const schemaVersion = require('@grafana/schema/package.json').version;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(dashboardSchema());
  let failures = 0;
  for (const file of files) {
    let dashboard;
    try {
      dashboard = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.log(`INVALID ${file}: not JSON: ${e.message}`);
      failures++;
      continue;
    }
    if (validate(dashboard)) {
      console.log(`VALID ${file} (@grafana/schema ${schemaVersion} Dashboard)`);
    } else {
      failures++;
      console.log(`INVALID ${file}:`);
      for (const err of validate.errors) {
        const extra = err.params && err.params.additionalProperty
          ? ` '${err.params.additionalProperty}'` : '';
        console.log(`  ${err.instancePath || '/'} ${err.message}${extra}`);
      }
    }
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
