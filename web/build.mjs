// Bundles web/src (the candidate page) into web/dist, which the server serves at /static/app.
// `make setup` runs it after `npm ci`; nothing built is committed. `node build.mjs --watch` rebuilds on change.
import * as esbuild from "esbuild";

const options = {
  entryPoints: { candidates: "src/main.jsx" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  loader: { ".css": "css" },
  minify: !process.argv.includes("--watch"),
  sourcemap: true,
  logLevel: "warning",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
