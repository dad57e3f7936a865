import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MeetingAttendeeView } from '@/server/meetings/queries';
import { AcceptProposedTime } from './accept-proposed-time';
import { answeredVia, AttendeeAnswers, deliveryText } from './attendee-answers';
import { emptyGuestRow, MAX_GUESTS, parseGuests } from './guests';

const attendee = (overrides: Partial<MeetingAttendeeView> = {}): MeetingAttendeeView => ({
  id: '11111111-1111-4111-8111-111111111111',
  userId: 'user-1',
  name: 'Sam Taylor',
  email: 'sam@example.test',
  isOptional: false,
  response: 'needs_action',
  respondedAt: null,
  respondedVia: null,
  respondedProvider: null,
  comment: null,
  proposedStartsAt: null,
  proposedEndsAt: null,
  delivery: { method: null, state: 'pending', detail: null },
  ...overrides,
});

const render = (attendees: MeetingAttendeeView[], renderProposal?: (a: MeetingAttendeeView) => unknown) =>
  renderToStaticMarkup(
    createElement(AttendeeAnswers, {
      attendees,
      zone: 'Europe/London',
      locale: 'en-GB',
      renderProposal: renderProposal as never,
    }),
  );

describe('attendee answers', () => {
  it('names the way each answer came', () => {
    expect(answeredVia({ respondedVia: 'provider', respondedProvider: 'microsoft' })).toBe('in Outlook');
    expect(answeredVia({ respondedVia: 'provider', respondedProvider: 'google' })).toBe('in Google Calendar');
    expect(answeredVia({ respondedVia: 'email', respondedProvider: null })).toBe('by email');
    expect(answeredVia({ respondedVia: 'email_link', respondedProvider: null })).toBe('by email link');
    expect(answeredVia({ respondedVia: 'in_app', respondedProvider: null })).toBe('in Tandem');
    expect(answeredVia({ respondedVia: null, respondedProvider: null })).toBeNull();
  });

  it('prefers the delivery service’s own sentence, and says a failure plainly', () => {
    expect(deliveryText({ method: 'organizer_provider', state: 'delivered', detail: 'In Outlook' })).toBe(
      'In Outlook',
    );
    expect(deliveryText({ method: 'tandem_email', state: 'delivered', detail: null })).toBe('Email sent');
    expect(deliveryText({ method: 'tandem_copy', state: 'retrying', detail: null })).toBe(
      'Not delivered yet; trying again',
    );
    expect(deliveryText({ method: null, state: 'pending', detail: null })).toBeNull();
  });

  it('shows no response yet, then the answer with when, how, the comment and a proposed time', () => {
    expect(render([attendee()])).toContain('aria-label="Sam Taylor: No response yet"');
    const html = render(
      [
        attendee({
          response: 'declined',
          respondedAt: new Date('2026-03-02T09:30:00Z'),
          respondedVia: 'provider',
          respondedProvider: 'microsoft',
          comment: 'I have a GP appointment',
          proposedStartsAt: new Date('2026-03-04T14:00:00Z'),
          proposedEndsAt: new Date('2026-03-04T14:45:00Z'),
          delivery: {
            method: 'organizer_provider',
            state: 'failed',
            detail: 'Could not deliver: reconnect your calendar',
          },
        }),
      ],
      () => createElement('button', null, 'Accept this time'),
    );
    expect(html).toContain('aria-label="Sam Taylor: Declined"');
    expect(html).toMatch(/in Outlook, 2 Mar 2026, 09:30/);
    expect(html).toContain('‘I have a GP appointment’');
    expect(html).toContain('Proposed a new time:');
    expect(html).toContain('<button>Accept this time</button>');
    expect(html).toContain('Could not deliver: reconnect your calendar');
  });

  it('marks outside guests', () => {
    expect(render([attendee({ userId: null, name: 'Mo Mentor' })])).toContain('(guest)');
  });
});

describe('accept this time', () => {
  it('is a labelled button naming whose proposal it takes', () => {
    const html = renderToStaticMarkup(
      createElement(AcceptProposedTime, {
        meeting: { id: 'm', version: 3 },
        attendee: { id: 'a', name: 'Sam Taylor', email: 'sam@example.test' },
        accept: () => Promise.resolve(),
      }),
    );
    expect(html).toContain('aria-label="Accept this time proposed by Sam Taylor"');
    expect(html).toContain('Accept this time</button>');
  });
});

describe('outside guests', () => {
  const row = (email: string, name = '') => ({ ...emptyGuestRow(), email, name });

  it('keeps valid rows, skips empty ones and names the problem of each bad one', () => {
    const rows = [
      row(' mo@employer.test ', ' Mo Mentor '),
      row(''),
      row('not-an-email'),
      row('MO@employer.test'),
      row('', 'Name only'),
    ];
    const { guests, errors } = parseGuests(rows);
    expect(guests).toEqual([{ email: 'mo@employer.test', name: 'Mo Mentor' }]);
    expect([...errors.entries()]).toEqual([
      [rows[2]?.key, 'Enter an email address like name@example.com'],
      [rows[3]?.key, 'This guest is already on the list'],
      [rows[4]?.key, 'Enter the guest’s email address'],
    ]);
  });

  it(`refuses more than ${MAX_GUESTS}`, () => {
    const rows = Array.from({ length: MAX_GUESTS + 1 }, (_, i) => row(`g${i}@example.test`));
    expect(parseGuests(rows).errors.get(rows.at(-1)?.key ?? '')).toBe(
      `Invite at most ${MAX_GUESTS} outside guests`,
    );
  });
});
