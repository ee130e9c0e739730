/** A 64-bit feature set, as bigint so bits 32..63 (VERSION_1 and up) work like the low ones. */
export type FeatureSet = bigint;

export const bit = (n: number): FeatureSet => 1n << BigInt(n);
export const hasFeature = (features: FeatureSet, n: number): boolean => (features & bit(n)) !== 0n;
export const withFeatures = (...bits: number[]): FeatureSet => bits.reduce((acc, b) => acc | bit(b), 0n);
export const featureBits = (features: FeatureSet): number[] => {
  const out: number[] = [];
  for (let i = 0; i < 64; i++) if (hasFeature(features, i)) out.push(i);
  return out;
};
/** The form `--dump-memory` and QEMU's HMP use: 0x-prefixed hex. */
export const featuresToHex = (features: FeatureSet): string => `0x${features.toString(16).padStart(16, '0')}`;
