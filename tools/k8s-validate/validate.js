#!/usr/bin/env node
// Checks every object of a multi-document YAML stream (the output of `kubectl kustomize`)
// against the Kubernetes 1.27 API schema carried by kubernetes-models, and the cert-manager
// CRD schema for its kinds. Catches wrong types, missing required fields and bad enum values.
// It does NOT catch unknown (misspelt) fields: the Java tests parse the same objects strictly
// into fabric8's typed model for that.
//
// Usage: node validate.js MANIFESTS.yaml [--json-out FILE]
//   --json-out FILE  also writes the objects as one JSON array, so the Java tests need no YAML parser.
// Exit 0 when every object is valid; 1 when one is not, or a kind is unknown; 2 on bad usage.
'use strict';

const fs = require('fs');
const YAML = require('yaml');

// apiVersion -> module folder. A kind outside these groups is reported, never passed silently.
const MODULE_BY_API_VERSION = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'cert-manager.io/v1': '@kubernetes-models/cert-manager/cert-manager.io/v1',
};

function modelFor(apiVersion, kind) {
  const moduleDir = MODULE_BY_API_VERSION[apiVersion];
  if (!moduleDir) {
    return { error: `apiVersion ${apiVersion} is not one this validator knows` };
  }
  let exported;
  try {
    exported = require(`${moduleDir}/${kind}`);
  } catch (e) {
    return { error: `kind ${kind} does not exist in ${apiVersion}` };
  }
  const Model = exported[kind];
  // Nested types (Affinity, Container...) are exported too but carry no apiVersion/kind.
  if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind) {
    return { error: `kind ${kind} does not exist in ${apiVersion}` };
  }
  return { Model };
}

function describe(obj) {
  const meta = (obj && obj.metadata) || {};
  const name = meta.namespace ? `${meta.namespace}/${meta.name}` : `${meta.name}`;
  return `${obj && obj.kind} ${name}`;
}

function main(argv) {
  const args = argv.slice(2);
  let input;
  let jsonOut;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--json-out') {
      jsonOut = args[++i];
    } else if (!input) {
      input = args[i];
    } else {
      input = undefined;
      break;
    }
  }
  if (!input || (args.includes('--json-out') && !jsonOut)) {
    console.error('usage: node validate.js MANIFESTS.yaml [--json-out FILE]');
    return 2;
  }

  const docs = YAML.parseAllDocuments(fs.readFileSync(input, 'utf8'));
  const objects = [];
  let failures = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.log(`INVALID YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) {
      continue; // an empty document between two ---
    }
    objects.push(obj);
    const { Model, error } = modelFor(obj.apiVersion, obj.kind);
    if (error) {
      console.log(`INVALID ${describe(obj)}: ${error}`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`valid ${obj.apiVersion} ${describe(obj)}`);
    } catch (e) {
      console.log(`INVALID ${obj.apiVersion} ${describe(obj)}: ${e.message}`);
      failures++;
    }
  }
  if (jsonOut) {
    fs.writeFileSync(jsonOut, JSON.stringify(objects, null, 1));
  }
  console.log(`${objects.length} objects, ${failures} invalid`);
  return failures === 0 && objects.length > 0 ? 0 : 1;
}

process.exitCode = main(process.argv);
