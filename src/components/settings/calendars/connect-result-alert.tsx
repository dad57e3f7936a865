import { Alert } from '@/components/ui/alert';
import { CONNECT_FAILURE_MESSAGES, isConnectFailure } from '@/server/connections/connect-failures';
import { PROVIDER_LABELS } from '@/server/providers/labels';

function providerLabel(value: string): string {
  return Object.hasOwn(PROVIDER_LABELS, value) ? PROVIDER_LABELS[value as keyof typeof PROVIDER_LABELS] : 'Your calendar';
}

/** What came back from the provider's consent page (`?connected=<provider>` or `?error=<reason>`). */
export function ConnectResultAlert({ connected, error }: { connected?: string | undefined; error?: string | undefined }) {
  if (error) {
    return <Alert tone="error">{isConnectFailure(error) ? CONNECT_FAILURE_MESSAGES[error] : CONNECT_FAILURE_MESSAGES.failed}</Alert>;
  }
  if (connected) {
    return (
      <Alert tone="success">
        {providerLabel(connected)} is connected. Tandem is importing its events; they appear in your calendar in a moment.
      </Alert>
    );
  }
  return null;
}
