// Split a string into words the way a POSIX shell splits an unquoted
// variable plus quotes, without ever running a shell: the alias expands
// ${COREOS_ASSEMBLER_CONTAINER_RUNTIME_ARGS} unquoted, and users quote paths
// with spaces in it. No expansion of $, `, globs: they stay literal.

export class ShellWordsError extends Error {}

export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) {
        throw new ShellWordsError(`unterminated single quote in: ${input}`);
      }
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < input.length && '"\\$`\n'.includes(input[i + 1]!)) {
          word += input[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) {
        throw new ShellWordsError(`unterminated double quote in: ${input}`);
      }
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < input.length) {
        word += input[i + 1];
      }
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

/** Quote one argv word so it can be pasted into a POSIX shell unchanged. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) {
    return word;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
