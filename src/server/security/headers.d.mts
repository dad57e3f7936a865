export interface DeploymentMode {
  development: boolean;
}
export function contentSecurityPolicy(mode: DeploymentMode): string;
export function securityHeaders(mode: DeploymentMode): { key: string; value: string }[];
