// Validates a sopc runtime bundle against schema/runtime.schema.json with Ajv
// (JSON Schema 2020-12), proving the contract holds outside Python.
// Usage: node tests/runtime/validate_bundle.mjs SCHEMA BUNDLE
// Exit 0 and "valid" when the bundle conforms; exit 1 with one error a line otherwise.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, bundlePath] = process.argv.slice(2);
if (!schemaPath || !bundlePath) {
  console.error("usage: validate_bundle.mjs SCHEMA BUNDLE");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const bundle = JSON.parse(readFileSync(bundlePath, "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);
if (validate(bundle)) {
  console.log("valid");
} else {
  for (const error of validate.errors) {
    console.log(`${error.instancePath || "/"} ${error.message}`);
  }
  process.exit(1);
}
