import { rollingCoMoments } from './moments.js';
import { checkPeriod, checkSameLength } from './validate.js';

export interface OlsResult {
  alpha: Float64Array;
  beta: Float64Array;
  /** y − alpha − beta·x at the current bar, with the fit of the window ending at that bar. */
  residual: Float64Array;
}

/**
 * Rolling ordinary least squares of y on x over the trailing `period` bars: beta = cov(x,y)/var(x),
 * alpha = ȳ − beta·x̄. NaN where x is constant over the window. Warm-up: period−1 NaN values.
 * NaN policy: a bar where x or y is NaN makes the outputs NaN until it has left the window.
 */
export function olsBeta(y: Float64Array, x: Float64Array, period: number): OlsResult {
  checkPeriod('olsBeta', 'period', period, 2);
  checkSameLength('olsBeta', y, x);
  const { meanX, meanY, m2x, cxy } = rollingCoMoments(x, y, period);
  const beta = cxy;
  const alpha = meanY;
  const residual = meanX;
  for (let i = 0; i < beta.length; i++) {
    const b = m2x[i] > 0 ? cxy[i] / m2x[i] : Number.NaN;
    const a = meanY[i] - b * meanX[i];
    beta[i] = b;
    alpha[i] = a;
    residual[i] = y[i] - a - b * x[i];
  }
  return { alpha, beta, residual };
}
