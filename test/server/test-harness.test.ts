// The test harness tells the truth: the browser test never skips silently, and a run leaves no temporary files.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../support/chromium.ts';

describe('the test harness', () => {
  it('fails without Chromium, saying how to install it', () => {
    expect(() => findChromium({ PATH: '/nonexistent' })).toThrow(/apt-get install chromium.*CHROMIUM_PATH/);
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/chrome' })).toThrow(
      'CHROMIUM_PATH=/nonexistent/chrome is not an executable file',
    );
  });

  it('finds Chromium from CHROMIUM_PATH', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath, PATH: '' })).toBe(process.execPath);
  });

  it("puts the run's temporary files in one folder that the run removes", () => {
    expect(tmpdir()).toMatch(/cxsf-vitest-/);
  });
});
