import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { AppError } from '../core/errors.js';

/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from an offline attack". */
const MIN_SCORE = 3;
export const MIN_PASSWORD_LENGTH = 12;

// The dictionaries (common and breached passwords, names, words) and keyboard graphs: read-only data,
// built once when the module loads (about 50 ms).
const estimator = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
const strength = (password: string, userInputs: string[]) => estimator.check(password, userInputs);

/** Lower case, letters and digits only: "Jane.Doe" and "jane-doe" are the same name. */
const squash = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Why a password may not be used (null when it may): shorter than 12 characters, or guessable: one of
 * the common and breached passwords shipped with zxcvbn-ts, a keyboard walk or repeat, or built from
 * the user's own email, name or account.
 */
export function passwordWeakness(password: string, about: Array<string | null | undefined>): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  const advice = 'A few unrelated words make a strong one';
  // zxcvbn scores "jane.doe.2024!" as strong even when told the email; a password that contains the
  // email's name part or the user's name is refused outright.
  const plain = squash(password);
  const own = about.flatMap((v) => (v ? [squash(v.split('@')[0] ?? ''), squash(v)] : []));
  if (own.some((part) => part.length >= 4 && plain.includes(part)))
    return `Choose another password: it contains your email or name. ${advice}`;
  const inputs = about.flatMap((v) => (v ? [v, ...v.split(/[@.\s_+-]+/).filter((p) => p.length >= 3)] : []));
  const result = strength(password, inputs);
  if (result.score >= MIN_SCORE) return null;
  const why =
    result.feedback.warning === 'userInputs'
      ? 'it is built from your email, name or account'
      : 'it is a common password or too easy to guess';
  return `Choose another password: ${why}. ${advice}`;
}

/** Throws a 422 PASSWORD_TOO_WEAK naming the field when the password may not be used. */
export function assertStrongPassword(password: string, about: Array<string | null | undefined>): void {
  const weakness = passwordWeakness(password, about);
  if (weakness) throw new AppError('PASSWORD_TOO_WEAK', weakness, { pointer: '/body/password' });
}
