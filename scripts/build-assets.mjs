// Builds the front end served at /assets: the council stylesheet compiled
// from GOV.UK Frontend's Sass, its JavaScript module, and its images
// (the Crown images are left out: they belong to GOV.UK alone).
import { cpSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "build", "assets");
mkdirSync(join(out, "images"), { recursive: true });

const css = sass.compile(join(root, "assets", "scss", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "application.css"), css.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
for (const name of readdirSync(join(govuk, "assets", "images"))) {
  if (/crest|govuk-|favicon/.test(name)) continue;
  cpSync(join(govuk, "assets", "images", name), join(out, "images", name));
}
cpSync(join(root, "assets", "init.js"), join(out, "init.js"));
// The subject picker: GOV.UK's accessible-autocomplete, and the code that puts it on the report form
const autocomplete = join(root, "node_modules", "accessible-autocomplete", "dist");
cpSync(join(autocomplete, "accessible-autocomplete.min.js"), join(out, "accessible-autocomplete.min.js"));
cpSync(join(autocomplete, "accessible-autocomplete.min.css"), join(out, "accessible-autocomplete.min.css"));
cpSync(join(root, "assets", "subject-picker.js"), join(out, "subject-picker.js"));
cpSync(join(root, "assets", "images"), join(out, "images"), { recursive: true });
console.log(`built ${out}`);
