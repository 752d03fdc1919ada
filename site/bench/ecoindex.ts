/**
 * EcoIndex (https://www.ecoindex.fr, formula published by GreenIT / cnumr in
 * "ecoindex_reference"): a score out of 100 from DOM size, request count and transferred KB.
 */
const QUANTILES_DOM = [
  0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459, 1801, 2479, 594601,
];
const QUANTILES_REQ = [
  0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920,
];
const QUANTILES_SIZE = [
  0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27, 1876.08,
  2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26,
];

function quantile(quantiles: number[], value: number): number {
  for (let i = 1; i < quantiles.length; i++) {
    const hi = quantiles[i] as number;
    const lo = quantiles[i - 1] as number;
    if (value < hi) return i - 1 + (value - lo) / (hi - lo);
  }
  return quantiles.length - 1;
}

export function ecoIndex(
  domNodes: number,
  requests: number,
  sizeKb: number,
): { score: number; grade: string } {
  const q =
    3 * quantile(QUANTILES_DOM, domNodes) +
    2 * quantile(QUANTILES_REQ, requests) +
    quantile(QUANTILES_SIZE, sizeKb);
  const score = Math.round((100 - (5 * q) / 6) * 10) / 10;
  const grade =
    score > 80
      ? 'A'
      : score > 70
        ? 'B'
        : score > 55
          ? 'C'
          : score > 40
            ? 'D'
            : score > 25
              ? 'E'
              : score > 10
                ? 'F'
                : 'G';
  return { score, grade };
}
