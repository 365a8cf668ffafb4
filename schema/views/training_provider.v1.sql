-- public.training_provider v1: the display label of every training job (applied by revision 0002).
--
-- One row per row of local_training_jobs. provider_key is the internal identifier the app keeps
-- (training_provider_local); provider_label is what the UI shows. A future provider is one more
-- line in provider_labels.
--
-- security_invoker = true: whoever reads the view is checked against the base table's RLS and
-- grants, so a user sees only their own jobs. Without it the view would run as its owner and
-- bypass RLS. CREATE OR REPLACE VIEW resets the option unless it is repeated.
CREATE VIEW public.training_provider
WITH (security_invoker = true) AS
WITH provider_labels (provider_key, provider_label) AS (
    VALUES
        ('training_provider_local'::text, 'Cloud training'::text)
)
SELECT
    jobs.id AS job_id,
    jobs.user_id,
    jobs.status,
    jobs.created_at,
    labels.provider_key,
    labels.provider_label
FROM public.local_training_jobs AS jobs
-- every job in local_training_jobs has the provider key training_provider_local
JOIN provider_labels AS labels ON labels.provider_key = 'training_provider_local';

COMMENT ON VIEW public.training_provider IS
    'Display label of each training job in local_training_jobs: provider_key is the internal '
    'identifier, provider_label the text the app shows (Cloud training).';

REVOKE ALL ON public.training_provider FROM PUBLIC, anon;
GRANT SELECT ON public.training_provider TO authenticated, service_role;
