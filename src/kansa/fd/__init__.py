"""Customer-oriented conduct documents (顧客本位の業務運営 / fiduciary duty): policies, say-do gap, KPI comparison."""
