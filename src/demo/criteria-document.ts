import type { CriteriaDocument } from '../modules/criteria/tables.js';

/**
 * A realistic 创建工作标准及考核实施办法, after the source document: hardware standardization (形象标识,
 * 公示形式, 环境设施), software standardization (职责, 制度, 服务承诺), the mass line (问题整改, 办实事,
 * 征求意见) and conduct (服务态度, 工作纪律). Regular items add up to 100; bonus items are capped at 5.
 * Other tests and the demo data reuse it.
 */
export const sampleCriteriaDocument: CriteriaDocument = {
  sections: [
    {
      key: 'hardware',
      title: { zhCN: '硬件标准化', en: 'Hardware standardization' },
      items: [
        {
          key: 'signage',
          title: { zhCN: '形象标识', en: 'Signage and visual identity' },
          maxPoints: 10,
          checkMethod: 'on_site',
          deductionRules: [
            { key: 'nonstandard_sign', description: '形象标识不统一、不规范，每发现一处扣1分', pointsPerOccurrence: 1, cap: 5 },
            { key: 'no_plaque', description: '未悬挂创建标识牌扣2分', pointsPerOccurrence: 2, cap: null },
          ],
        },
        {
          key: 'public_notice',
          title: { zhCN: '公示形式', en: 'Public notice' },
          maxPoints: 10,
          checkMethod: 'on_site',
          deductionRules: [
            { key: 'missing_notice', description: '未公示服务项目、办事流程、收费标准，每缺一项扣2分', pointsPerOccurrence: 2, cap: null },
            { key: 'stale_notice', description: '公示内容过期未更新，每处扣1分', pointsPerOccurrence: 1, cap: 4 },
          ],
        },
        {
          key: 'facilities',
          title: { zhCN: '环境设施', en: 'Environment and facilities' },
          maxPoints: 10,
          checkMethod: 'on_site',
          deductionRules: [
            { key: 'missing_convenience', description: '便民设施（座椅、饮水、书写台）缺失，每项扣1分', pointsPerOccurrence: 1, cap: 5 },
            { key: 'untidy', description: '环境脏乱，每发现一次扣1分', pointsPerOccurrence: 1, cap: 3 },
          ],
        },
      ],
    },
    {
      key: 'software',
      title: { zhCN: '软件标准化', en: 'Software standardization' },
      items: [
        {
          key: 'duties',
          title: { zhCN: '职责', en: 'Duties' },
          maxPoints: 10,
          checkMethod: 'documents',
          deductionRules: [
            { key: 'unclear_duty', description: '岗位职责不明确，每岗扣1分', pointsPerOccurrence: 1, cap: 5 },
            { key: 'process_not_public', description: '未公开各服务岗位职能和办事流程扣3分', pointsPerOccurrence: 3, cap: null },
          ],
        },
        {
          key: 'rules',
          title: { zhCN: '制度', en: 'Rules and procedures' },
          maxPoints: 10,
          checkMethod: 'documents',
          deductionRules: [
            { key: 'missing_rule', description: '首问负责、限时办结、一次性告知等制度缺一项扣2分', pointsPerOccurrence: 2, cap: 6 },
            { key: 'weekly_closure', description: '未执行一周办结制，每件扣1分', pointsPerOccurrence: 1, cap: 4 },
          ],
        },
        {
          key: 'service_commitments',
          title: { zhCN: '服务承诺', en: 'Service commitments' },
          maxPoints: 10,
          checkMethod: 'documents',
          deductionRules: [
            { key: 'not_published', description: '未公开服务承诺扣5分', pointsPerOccurrence: 5, cap: null },
            { key: 'broken_commitment', description: '违反服务承诺，每次扣2分', pointsPerOccurrence: 2, cap: 10 },
          ],
        },
      ],
    },
    {
      key: 'mass_line',
      title: { zhCN: '群众路线', en: 'Mass line' },
      items: [
        {
          key: 'rectification',
          title: { zhCN: '问题整改', en: 'Rectification of problems' },
          maxPoints: 10,
          checkMethod: 'documents',
          deductionRules: [
            { key: 'overdue_problem', description: '整改问题逾期未完成，每个扣2分', pointsPerOccurrence: 2, cap: null },
            { key: 'no_responsibility_letter', description: '未签订整改责任书扣3分', pointsPerOccurrence: 3, cap: null },
          ],
        },
        {
          key: 'practical_deeds',
          title: { zhCN: '办实事', en: 'Practical deeds for the people' },
          maxPoints: 8,
          checkMethod: 'documents',
          deductionRules: [
            { key: 'no_ledger', description: '未建立为民办实事台账扣3分', pointsPerOccurrence: 3, cap: null },
            { key: 'hotspot_unresolved', description: '群众公认的热点、难点问题未解决，每个扣1分', pointsPerOccurrence: 1, cap: 5 },
          ],
        },
        {
          key: 'opinion_collection',
          title: { zhCN: '征求意见', en: 'Collecting public opinion' },
          maxPoints: 7,
          checkMethod: 'survey',
          deductionRules: [
            { key: 'no_consultation', description: '未开展座谈会、走访、问卷等征求意见活动，每季度缺一次扣1分', pointsPerOccurrence: 1, cap: 4 },
          ],
        },
      ],
    },
    {
      key: 'conduct',
      title: { zhCN: '作风效能', en: 'Conduct and efficiency' },
      items: [
        {
          key: 'attitude',
          title: { zhCN: '服务态度', en: 'Service attitude' },
          maxPoints: 8,
          checkMethod: 'survey',
          deductionRules: [{ key: 'poor_attitude', description: '暗访发现服务态度差、推诿扯皮，每次扣2分', pointsPerOccurrence: 2, cap: null }],
        },
        {
          key: 'discipline',
          title: { zhCN: '工作纪律', en: 'Work discipline' },
          maxPoints: 7,
          checkMethod: 'on_site',
          deductionRules: [{ key: 'misconduct', description: '上班时间着装不整、玩游戏、脱岗，每人次扣1分', pointsPerOccurrence: 1, cap: 7 }],
        },
      ],
    },
  ],
  bonusItems: [
    { key: 'provincial_commendation', description: '受到省级以上主管部门表彰加3分', maxPoints: 3 },
    { key: 'innovation_adopted', description: '创新服务举措被上级推广加2分', maxPoints: 2 },
    { key: 'media_report', description: '“纠风直通车”“百名记者进窗口”等栏目正面报道加1分', maxPoints: 1 },
  ],
  bonusCap: 5,
};
