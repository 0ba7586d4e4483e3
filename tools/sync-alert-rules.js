#!/usr/bin/env node
// Writes deploy/prometheus/rules.yaml from the PrometheusRule's spec.groups (one source of the alerts).
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('yaml');

const root = path.resolve(__dirname, '..');
const rule = yaml.parse(fs.readFileSync(path.join(root, 'deploy/base/prometheusrule.yaml'), 'utf8'));
const header =
  '# Generated from deploy/base/prometheusrule.yaml (spec.groups) by tools/sync-alert-rules.js, for a\n' +
  '# Prometheus without the operator (rule_files: [rules.yaml]). deploy/test/alerts.spec.ts keeps the two equal.\n';
fs.writeFileSync(path.join(root, 'deploy/prometheus/rules.yaml'), header + yaml.stringify({ groups: rule.spec.groups }, { lineWidth: 0 }));
