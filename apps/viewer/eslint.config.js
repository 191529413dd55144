// The repo's rules, plus React's hook rules, plus the viewer's one boundary: only src/provider
// uses the nwbjs packages, so the UI never learns a file's format.
import reactHooks from 'eslint-plugin-react-hooks';
import root from '../../eslint.config.js';

const SCRIPT_GLOBALS = ['console', 'process', 'setTimeout', 'URL', 'URLSearchParams', 'Buffer'];
// Functions the measurements hand to the page run there.
const PAGE_GLOBALS = ['performance', 'document'];

export default [
  ...root,
  { ignores: ['dist/**', 'test-artifacts/**'] },
  {
    // Node scripts: the server behind npm run viewer, Chromium for the tests, the measurements.
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries([...SCRIPT_GLOBALS, ...PAGE_GLOBALS].map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/provider/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nwbjs/*'], message: 'Only src/provider uses the nwbjs packages.' }] },
      ],
    },
  },
];
