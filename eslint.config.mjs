// Lint rules, including the layering rule: only src/vscode and
// src/extension.ts may import 'vscode'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'Pure layers (src/cosa, src/engine, src/ignition) must not import vscode; put VS Code code in src/vscode.' }],
  }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/harness/**', 'test-results/**', '.harness/**', 'test/fixtures/**/*.js', 'src/ignition/generated/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['src/cosa/**/*.ts', 'src/engine/**/*.ts', 'src/ignition/**/*.ts', 'webview-ui/**/*.ts'], rules: noVscode },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
  },
);
