/**
 * A JSON syntax checker that reproduces the verdicts and messages of Go's
 * encoding/json scanner (which ignition-validate uses via json.Unmarshal):
 * the first offending byte, the "invalid character 'x' <context>" wording and
 * "unexpected end of JSON input".
 *
 * Works on a JS string; offsets are reported in UTF-16 code units of that
 * string plus the Go byte offset (UTF-8) that Go's SyntaxError.Offset holds.
 */

import { goQuoteRuneOfByte } from './strings';

export interface JsonSyntaxError {
  /** Go's message, e.g. "invalid character '}' looking for beginning of object key string". */
  message: string;
  /** UTF-16 index of the offending character (text.length for end of input). */
  index: number;
  /** Go's SyntaxError.Offset: bytes read when the error happened (bad byte included). */
  byteOffset: number;
}

const enum S {
  BeginValue, BeginValueOrEmpty, BeginStringOrEmpty, BeginString, EndValue, EndTop,
  InString, InStringEsc, InStringEscU, InStringEscU1, InStringEscU12, InStringEscU123,
  Neg, One, Zero, Dot, Dot0, E, ESign, E0,
  T, Tr, Tru, F, Fa, Fal, Fals, N, Nu, Nul,
}

const enum P { ObjectKey, ObjectValue, ArrayValue }

const MAX_DEPTH = 10000;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** First UTF-8 byte of the code point starting at `i` (what Go's scanner sees). */
function firstUtf8Byte(text: string, i: number): number {
  const c = text.codePointAt(i) ?? 0;
  if (c < 0x80) return c;
  if (c < 0x800) return 0xc0 | (c >> 6);
  if (c >= 0xd800 && c <= 0xdfff) return 0xef; // lone surrogate -> U+FFFD (EF BF BD)
  if (c < 0x10000) return 0xe0 | (c >> 12);
  return 0xf0 | (c >> 18);
}

/** Validate `text` as Go's json.Unmarshal would before decoding; undefined when valid. */
export function goCheckValid(text: string): JsonSyntaxError | undefined {
  const stack: P[] = [];
  let state = S.BeginValue as S;
  let bytes = 0;
  const n = text.length;

  /** One scanner step; returns the error context or undefined. */
  const step = (c: number): string | undefined => {
    while (true) {
      switch (state) {
        case S.BeginValueOrEmpty:
          if (isSpace(c)) return undefined;
          if (c === 0x5d) { state = popEnd(stack); return undefined; }
          state = S.BeginValue; continue;
        case S.BeginValue:
          if (isSpace(c)) return undefined;
          switch (c) {
            case 0x7b:
              if (stack.length >= MAX_DEPTH) return '\u0000depth';
              stack.push(P.ObjectKey); state = S.BeginStringOrEmpty; return undefined;
            case 0x5b:
              if (stack.length >= MAX_DEPTH) return '\u0000depth';
              stack.push(P.ArrayValue); state = S.BeginValueOrEmpty; return undefined;
            case 0x22: state = S.InString; return undefined;
            case 0x2d: state = S.Neg; return undefined;
            case 0x30: state = S.Zero; return undefined;
            case 0x74: state = S.T; return undefined;
            case 0x66: state = S.F; return undefined;
            case 0x6e: state = S.N; return undefined;
          }
          if (c >= 0x31 && c <= 0x39) { state = S.One; return undefined; }
          return 'looking for beginning of value';
        case S.BeginStringOrEmpty:
          if (isSpace(c)) return undefined;
          if (c === 0x7d) { state = popEnd(stack); return undefined; }
          state = S.BeginString; continue;
        case S.BeginString:
          if (isSpace(c)) return undefined;
          if (c === 0x22) { state = S.InString; return undefined; }
          return 'looking for beginning of object key string';
        case S.EndValue: {
          if (stack.length === 0) { state = S.EndTop; continue; }
          if (isSpace(c)) return undefined;
          const ps = stack[stack.length - 1];
          if (ps === P.ObjectKey) {
            if (c === 0x3a) { stack[stack.length - 1] = P.ObjectValue; state = S.BeginValue; return undefined; }
            return 'after object key';
          }
          if (ps === P.ObjectValue) {
            if (c === 0x2c) { stack[stack.length - 1] = P.ObjectKey; state = S.BeginString; return undefined; }
            if (c === 0x7d) { state = popEnd(stack); return undefined; }
            return 'after object key:value pair';
          }
          if (c === 0x2c) { state = S.BeginValue; return undefined; }
          if (c === 0x5d) { state = popEnd(stack); return undefined; }
          return 'after array element';
        }
        case S.EndTop:
          if (!isSpace(c)) return 'after top-level value';
          return undefined;
        case S.InString:
          if (c === 0x22) { state = S.EndValue; return undefined; }
          if (c === 0x5c) { state = S.InStringEsc; return undefined; }
          if (c < 0x20) return 'in string literal';
          return undefined;
        case S.InStringEsc:
          switch (c) {
            case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x5c: case 0x2f: case 0x22:
              state = S.InString; return undefined;
            case 0x75: state = S.InStringEscU; return undefined;
          }
          return 'in string escape code';
        case S.InStringEscU: case S.InStringEscU1: case S.InStringEscU12: case S.InStringEscU123:
          if (!isHex(c)) return 'in \\u hexadecimal character escape';
          state = state === S.InStringEscU123 ? S.InString : (state + 1) as S;
          return undefined;
        case S.Neg:
          if (c === 0x30) { state = S.Zero; return undefined; }
          if (c >= 0x31 && c <= 0x39) { state = S.One; return undefined; }
          return 'in numeric literal';
        case S.One:
          if (isDigit(c)) return undefined;
          state = S.Zero; continue;
        case S.Zero:
          if (c === 0x2e) { state = S.Dot; return undefined; }
          if (c === 0x65 || c === 0x45) { state = S.E; return undefined; }
          state = S.EndValue; continue;
        case S.Dot:
          if (isDigit(c)) { state = S.Dot0; return undefined; }
          return 'after decimal point in numeric literal';
        case S.Dot0:
          if (isDigit(c)) return undefined;
          if (c === 0x65 || c === 0x45) { state = S.E; return undefined; }
          state = S.EndValue; continue;
        case S.E:
          if (c === 0x2b || c === 0x2d) { state = S.ESign; return undefined; }
          state = S.ESign; continue;
        case S.ESign:
          if (isDigit(c)) { state = S.E0; return undefined; }
          return 'in exponent of numeric literal';
        case S.E0:
          if (isDigit(c)) return undefined;
          state = S.EndValue; continue;
        case S.T: if (c === 0x72) { state = S.Tr; return undefined; } return "in literal true (expecting 'r')";
        case S.Tr: if (c === 0x75) { state = S.Tru; return undefined; } return "in literal true (expecting 'u')";
        case S.Tru: if (c === 0x65) { state = S.EndValue; return undefined; } return "in literal true (expecting 'e')";
        case S.F: if (c === 0x61) { state = S.Fa; return undefined; } return "in literal false (expecting 'a')";
        case S.Fa: if (c === 0x6c) { state = S.Fal; return undefined; } return "in literal false (expecting 'l')";
        case S.Fal: if (c === 0x73) { state = S.Fals; return undefined; } return "in literal false (expecting 's')";
        case S.Fals: if (c === 0x65) { state = S.EndValue; return undefined; } return "in literal false (expecting 'e')";
        case S.N: if (c === 0x75) { state = S.Nu; return undefined; } return "in literal null (expecting 'u')";
        case S.Nu: if (c === 0x6c) { state = S.Nul; return undefined; } return "in literal null (expecting 'l')";
        case S.Nul: if (c === 0x6c) { state = S.EndValue; return undefined; } return "in literal null (expecting 'l')";
      }
    }
  };
  const error = (ctx: string, c: number, index: number): JsonSyntaxError => ({
    message: 'invalid character ' + goQuoteRuneOfByte(c) + ' ' + (ctx === '\u0000depth' ? 'exceeded max depth' : ctx),
    index,
    byteOffset: bytes,
  });

  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes++;
      if (state === S.InString && c >= 0x20 && c !== 0x22 && c !== 0x5c) continue; // fast path
      const ctx = step(c);
      if (ctx !== undefined) return error(ctx, c, i);
      continue;
    }
    // non-ASCII: Go sees the first UTF-8 byte; only legal inside strings
    bytes++;
    if (state !== S.InString) {
      const b = firstUtf8Byte(text, i);
      const ctx = step(b) ?? 'looking for beginning of value';
      return error(ctx, b, i);
    }
    const cp = text.codePointAt(i) ?? c;
    if (cp >= 0x10000) { bytes += 3; i++; } else if (cp >= 0x800) bytes += 2; else bytes += 1;
  }
  if (state === S.EndTop) return undefined;
  const ctx = step(0x20);
  if ((state as S) === S.EndTop) return undefined;
  if (ctx !== undefined) return error(ctx, 0x20, n);
  return { message: 'unexpected end of JSON input', index: n, byteOffset: bytes };
}

function popEnd(stack: P[]): S {
  stack.pop();
  return stack.length === 0 ? S.EndTop : S.EndValue;
}

