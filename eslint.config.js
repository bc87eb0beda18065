// Lint is type-aware only where it pays: the recommended rules plus a ban on floating
// promises, which is how a queue write silently goes missing.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // One line, one thought: long signatures and calls are wrapped. Strings, templates and
    // regular expressions may run on (a message or a pattern reads better whole).
    rules: { 'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }] }
  },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // The browser console: tsc -p tsconfig.console.json checks its names against the DOM's
    // types, which know the browser's globals better than a list here would.
    files: ['src/console/**/*.js'],
    rules: { 'no-undef': 'off' }
  },
  {
    // The examples are plain Node scripts, for sites to copy.
    files: ['examples/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(['process', 'console', 'fetch', 'Buffer', 'URL', 'setTimeout', 'setInterval', 'clearInterval'].map((g) => [g, 'readonly']))
    }
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] }
  }
)
