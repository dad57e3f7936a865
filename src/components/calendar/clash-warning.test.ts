import { describe, expect, it } from 'vitest';
import { clashSentences } from './clash-warning';

describe('clashSentences', () => {
  it('names each person and says how they are busy; the organiser is "you"', () => {
    expect(
      clashSentences(
        [
          { userId: 'me', name: 'Alex', state: 'busy' },
          { userId: 'sam', name: 'Sam', state: 'busy' },
          { userId: 'ann', name: 'Ann', state: 'out_of_office' },
          { userId: 'kim', name: 'Kim', state: 'tentative' },
        ],
        'me',
      ),
    ).toEqual([
      'You are busy then.',
      'Sam is busy then.',
      'Ann is out of office then.',
      'Kim is tentatively busy then.',
    ]);
  });
});
