import { LicenseLookup } from '../components/LicenseLookup';
import { OfflineActivation } from '../components/OfflineActivation';
import { Pricing } from '../components/Pricing';

/** Landing page: plans and prices, the license check, then offline activation. */
export function HomePage() {
  return (
    <>
      <section className="bg-white">
        <div className="mx-auto max-w-3xl px-4 py-14 text-center sm:px-6 sm:py-20">
          <h1 className="text-3xl font-semibold tracking-tight text-zinc-900 sm:text-4xl">
            Plans and licenses
          </h1>
          <p className="mx-auto mt-3 max-w-xl text-base text-zinc-600">
            Compare plans, check the status of a license you own, and activate it on a computer without
            internet.
          </p>
        </div>
      </section>
      <Pricing />
      <LicenseLookup />
      <OfflineActivation />
    </>
  );
}
