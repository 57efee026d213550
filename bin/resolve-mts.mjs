// Lets a user strategy anywhere on disk `import { defineStrategy } from 'mts'`: the bare name resolves to this
// package's entry point even when the file lives outside the package.
const entry = new URL('../src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'mts') return { url: entry, shortCircuit: true, format: 'module' };
  return nextResolve(specifier, context);
}

// A user strategy (`?mts-strategy` on its URL) is an ES module whatever package.json says around it.
export async function load(url, context, nextLoad) {
  if (url.includes('mts-strategy')) return nextLoad(url, { ...context, format: 'module' });
  return nextLoad(url, context);
}
