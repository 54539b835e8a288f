// as-pect 8.1 on AssemblyScript 0.28 runs plain specs; its @as-pect/transform (class equality) does not
// load on 0.28, so as-pect.asconfig.json leaves it out and specs compare fields, not whole objects.
// SPEC=<substring> runs only the spec files whose name contains it: `SPEC=json npx asp`.
const only = process.env.SPEC;
export default {
  entries: [only ? `assembly/__tests__/**/*${only}*.spec.ts` : "assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
