import { Link } from '@tanstack/react-router';
import { buttonClass, EmptyState } from '../../ui';

/** Any /admin path no route matches. */
export function NotFoundPage() {
  return (
    <EmptyState
      icon="search"
      title="Page not found"
      description="This address does not match any page of the dashboard."
      action={
        <Link to="/" className={buttonClass('secondary', 'sm')}>
          Back to overview
        </Link>
      }
    />
  );
}
