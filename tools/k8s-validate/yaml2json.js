#!/usr/bin/env node
// Prints one YAML file (a single document) as JSON, for the Java tests, which carry no YAML
// parser: node tools/k8s-validate/yaml2json.js FILE. Exit 1 when the YAML does not parse.
'use strict';

const fs = require('fs');
const YAML = require('yaml');

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: node yaml2json.js FILE');
  process.exit(2);
}
const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
if (doc.errors.length > 0) {
  console.error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(doc.toJS()));
